"""Importing the key-unit list from Excel, the way the bureau receives it (DOMAIN.md, "Unit").

A file is taken as it comes from cities and departments: a title row above the header, a 序号 column, headers in
the sender's words, full-width characters and stray spaces, "湖州" for "湖州市", 138-1234-5678, 2025.3.14. Only what
is really wrong is reported, each problem by its row (as Excel numbers it) and column (as the file names it).

Nothing is written unless every row is right: the whole file goes in one transaction, or not at all. A unit whose
credit code is already on the list is updated, never duplicated.

- `import_check` reads and validates a file without writing: the preview.
- `import_run` checks the file again and writes it, all or nothing.
- `import_job_*` keep an uploaded file on the server between preview and confirmation (`ImportJob`), and run large
  imports on the task queue.

The package: `columns` (the file's vocabulary), `result` (problems and counts), `reading` (the file and its rows),
`writing` (the list, all or nothing), `jobs` (uploads between preview and confirmation, the task queue).
"""

from units.importing.columns import CATEGORY_LABELS, COLUMNS, COLUMNS_BY_FIELD, Column
from units.importing.jobs import (
    import_job_confirm,
    import_job_create,
    import_job_get_for_user,
    import_job_run,
    import_jobs_purge,
)
from units.importing.reading import inspect_file
from units.importing.result import MESSAGES, ImportResult, Problem, UnitRow
from units.importing.writing import import_check, import_run

__all__ = [
    "CATEGORY_LABELS",
    "COLUMNS",
    "COLUMNS_BY_FIELD",
    "MESSAGES",
    "Column",
    "ImportResult",
    "Problem",
    "UnitRow",
    "import_check",
    "import_job_confirm",
    "import_job_create",
    "import_job_get_for_user",
    "import_job_run",
    "import_jobs_purge",
    "import_run",
    "inspect_file",
]
