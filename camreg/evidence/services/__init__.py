"""Every operation on evidence, split by capability: views, the worker, commands and the
console all call these.

- storage: the evidence storage (Django storage alias "evidence").
- custody: the chain of custody (record one event; it goes to the audit log too).
"""
