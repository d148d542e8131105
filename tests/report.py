#!/usr/bin/env python3
# Summarises a test run's TRX for ./build.sh test: the counts, then every skipped test by name with its reason.
# With CI=true a skip for any reason but the documented ones (Harness/Need.cs: "needs root", "needs IPv6")
# fails the run (exit 3): in CI a missing tool or a feature that answers wrong must never pass as a skip.
import os
import sys
import xml.etree.ElementTree as ET

ALLOWED = ("needs root", "needs IPv6")
NS = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}


def main(path: str) -> int:
    root = ET.parse(path).getroot()
    classes = {d.get("id"): d.find("t:TestMethod", NS).get("className")
               for d in root.iterfind("t:TestDefinitions/t:UnitTest", NS)}
    counts = {"Passed": 0, "Failed": 0, "NotExecuted": 0}
    skipped = []
    for r in root.iterfind("t:Results/t:UnitTestResult", NS):
        outcome = r.get("outcome")
        counts[outcome] = counts.get(outcome, 0) + 1
        if outcome == "NotExecuted":
            msg = r.find("t:Output/t:ErrorInfo/t:Message", NS)
            reason = (msg.text or "").strip() if msg is not None else ""
            skipped.append((f"{classes.get(r.get('testId'), '?')}.{r.get('testName')}", reason))
    failed = sum(v for k, v in counts.items() if k not in ("Passed", "NotExecuted"))
    print(f"{counts['Passed']} passed, {failed} failed, {len(skipped)} skipped")
    for name, reason in sorted(skipped):
        print(f"  skipped {name}: {reason or '(no reason given)'}")
    if os.environ.get("CI") == "true":
        bad = [n for n, why in skipped if not why.startswith(ALLOWED)]
        if bad:
            print(f"CI=true: {len(bad)} test(s) skipped for a reason other than {' / '.join(ALLOWED)}: failing the run")
            return 3
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
