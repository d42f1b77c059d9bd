"""Copy the deeds of an SQLite ledger into a PostgreSQL database at schema head, to measure the
deeds search there (benchmarks/gui_filter.py --db-url, benchmarks/deed_search_plans.py --db-url).

    python benchmarks/pg_deeds_copy.py --folder DATA_DIR --db-url postgresql+psycopg://USER@/DB?host=SOCKET_DIR

Not the normal path: building 1,000,000 signed deeds through the ledger takes many minutes, and a
search reads only the deeds table and its indexes. `benchmarks/pg_ledger_copy.py` does the copying
(the migrations make the schema, the table's indexes are dropped, the rows go in with COPY, each
index is created again from its own definition, and the database is analysed); this copies only the
ledger's identity row, so the database opens as a ledger, and the deeds. Entries, holdings and liens
are left out (the search does not read them: the deeds pane shows no liens).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pg_ledger_copy import arguments, copy_ledger

if __name__ == "__main__":
    args = arguments()
    copy_ledger(args.folder, args.db_url, tables=("ledger", "deeds"))
