"""python -m console --endpoints FILE --port N: the operations console (docs/console.md).

Off unless CONSOLE_TOKEN is set: it then refuses to start and says why.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Optional, Sequence

import sqlalchemy.exc

from console.labels import load_labels
from console.settings import SettingsError, settings_from
from console.store import Store, StoreError


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m console", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--endpoints",
        required=True,
        type=Path,
        help="the endpoints file whose tracker_store holds the conversations",
    )
    parser.add_argument("--port", type=int, default=5006)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)
    try:
        settings = settings_from(args.endpoints)
        store = Store(settings.database_url)
        store.prepare()
        labels = load_labels(settings.domain_file)
    except (SettingsError, StoreError) as error:
        print(f"console: {error}", file=sys.stderr)
        return 2
    except sqlalchemy.exc.SQLAlchemyError as error:
        shown = settings.database_url.render_as_string(hide_password=True)
        print(
            f"console: the tracker store at {shown} cannot be reached "
            f"({type(error).__name__}: {str(error).splitlines()[0]})",
            file=sys.stderr,
        )
        return 2
    from console.web import create_app

    app = create_app(settings, store, labels)
    print(
        f"console: http://{args.host}:{args.port}/ reading "
        f"{settings.database_url.render_as_string(hide_password=True)}",
        file=sys.stderr,
        flush=True,
    )
    app.run(host=args.host, port=args.port, access_log=False, motd=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
