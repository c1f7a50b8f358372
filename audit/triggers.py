"""PostgreSQL triggers that no session can switch off from inside: django-pgtrigger without its `ignore` door.

Every trigger django-pgtrigger installs begins by asking `_pgtrigger_should_ignore(TG_NAME)`, which reads the
`pgtrigger.ignore` setting — a setting any session may change with `SET`, so the app's own database role could
silence a protection trigger for itself. The audit trail's triggers are compiled from the same template without that
question: only a role that may ALTER the table (its owner, not the app's role in production: docs/security.md) can
disable them.
"""

from __future__ import annotations

import pgtrigger
from pgtrigger import compiler

_IGNORE_CHECK = """
                    IF ({ignore_func_name}(TG_NAME) IS TRUE) THEN
                        IF (TG_OP = 'DELETE') THEN
                            RETURN OLD;
                        ELSE
                            RETURN NEW;
                        END IF;
                    END IF;"""


class UnignorableTriggerSql(compiler.UpsertTriggerSql):
    """pgtrigger's v1 installation template with the ignore check taken out (migrations name this class)."""

    def get_template(self) -> str:
        template = super().get_template()
        if _IGNORE_CHECK not in template:  # a new pgtrigger changed its template: look again before upgrading
            raise RuntimeError("django-pgtrigger's trigger template changed; review audit/triggers.py.")
        return template.replace(_IGNORE_CHECK, "")


class UnignorableTrigger(pgtrigger.Trigger):
    """A pgtrigger.Trigger compiled with UnignorableTriggerSql."""

    def compile(self, model) -> compiler.Trigger:
        compiled = super().compile(model)
        sql = compiled.sql
        unignorable = UnignorableTriggerSql(pgid=sql.pgid, table=sql.table, **_kwargs(sql))
        return compiler.Trigger(name=self.name, sql=unignorable)


def _kwargs(sql: compiler.UpsertTriggerSql) -> dict[str, str]:
    return {key: value for key, value in sql.kwargs.items() if key not in ("pgid", "table")}
