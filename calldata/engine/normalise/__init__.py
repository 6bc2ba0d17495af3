"""From raw text chunks to normalised call records, with the data-quality rules a CAD analyst
expects. `Normaliser.chunk` handles one block of rows (parse, drop, flag); `Normaliser.finish`
handles what needs the whole file (several records of one incident, durations, local time).

normaliser: the Normaliser and its report; columns: column kernels (cleaning, numbers,
counts); kinds: calls, not calls, cancelled and unfounded; duplicates: several records of one
incident; derived: the per-row rules after the merge; issues: problem counts and the
accounting of rows; report: clock warnings and code-table coverage.
"""

from calldata.engine.normalise.duplicates import DEDUP_RULE, combine_duplicates, no_duplicates
from calldata.engine.normalise.issues import Issues, accounting
from calldata.engine.normalise.normaliser import Normaliser

__all__ = [
    "DEDUP_RULE",
    "Issues",
    "Normaliser",
    "accounting",
    "combine_duplicates",
    "no_duplicates",
]
