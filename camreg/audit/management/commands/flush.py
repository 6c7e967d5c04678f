"""`flush`, as Django's, with the audit log's SQLite triggers lifted for the wipe.

Emptying the whole database (an operator's deliberate act; the tests after each
transactional test) deletes audit rows too. On PostgreSQL flush uses TRUNCATE, which the
row trigger does not stop; on SQLite it deletes row by row, which the triggers of migration
0005 refuse, so they are dropped for the flush and created again after it.
"""

from django.core.management.commands.flush import Command as FlushCommand
from django.db import connections

from camreg.audit import guard


class Command(FlushCommand):
    def handle(self, **options):
        with guard.sqlite_triggers_lifted(connections[options["database"]]):
            return super().handle(**options)
