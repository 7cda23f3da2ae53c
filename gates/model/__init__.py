"""The typed values that cross module boundaries, and how a value reads (the errors: gates.errors).

* :mod:`gates.model.reports`: what a report says (findings, test cases, coverage, benchmarks, problems);
* :mod:`gates.model.stage`: a stage's evidence (manifest, reports read, problems, crashes);
* :mod:`gates.model.measurement`: what a kind of evidence measured (a value, a reason, a problem);
* :mod:`gates.model.verdict`: what ``gates check`` decided;
* :mod:`gates.model.figures` and :mod:`gates.model.covround`: how a value reads, by its unit.

Pure: nothing here reads a file, runs a program or prints.
"""
