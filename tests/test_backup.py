"""``backup`` copies a live store with SQLite's online backup; ``restore`` checks first."""

from __future__ import annotations

import sqlite3

from click.testing import CliRunner
from trust_world import writable_demo

from regional_map.cli import main
from regional_map.db.connection import connect
from regional_map.places.indexfile import index_file
from regional_map.places.rankfile import rankings_dir


def _places(path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT COUNT(*) FROM places").fetchone()[0]
    finally:
        conn.close()


def test_backup_copies_a_store_that_is_open_and_being_read(demo_db_path, tmp_path):
    store = writable_demo(demo_db_path, tmp_path)
    reader = connect(store)
    reader.execute("BEGIN")
    reader.execute("SELECT COUNT(*) FROM places").fetchone()  # a reader holds a snapshot
    target = tmp_path / "backup.db"
    result = CliRunner().invoke(main, ["--db", str(store), "backup", str(target)])
    reader.execute("ROLLBACK")
    reader.close()
    assert result.exit_code == 0, result.output
    assert "integrity ok" in result.output
    assert _places(target) == _places(store) > 1500
    conn = sqlite3.connect(target)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_restore_replaces_the_store_after_an_integrity_check(demo_db_path, tmp_path):
    store = writable_demo(demo_db_path, tmp_path)
    backup = tmp_path / "backup.db"
    runner = CliRunner()
    assert runner.invoke(main, ["--db", str(store), "backup", str(backup)]).exit_code == 0
    conn = connect(store)
    conn.execute("DELETE FROM place_products")
    conn.execute("DELETE FROM places")
    conn.close()
    assert _places(store) == 0
    saved_index = index_file(store)
    saved_index.write_bytes(b"the index of the store being replaced")
    rankings_dir(store).mkdir()
    (rankings_dir(store) / "x-y.npy").write_bytes(b"rankings of the store being replaced")
    result = runner.invoke(main, ["--db", str(store), "restore", str(backup), "--yes"])
    assert result.exit_code == 0, result.output
    assert _places(store) == _places(backup) > 1500
    assert not saved_index.exists()  # it described the replaced store
    assert not rankings_dir(store).exists()
    assert _places(f"{store}.before-restore") == 0  # the replaced store is kept


def test_restore_refuses_a_damaged_or_foreign_file(demo_db_path, tmp_path):
    store = writable_demo(demo_db_path, tmp_path)
    before = _places(store)
    not_sqlite = tmp_path / "notes.db"
    not_sqlite.write_text("hello")
    foreign = tmp_path / "foreign.db"
    other = sqlite3.connect(foreign)
    other.execute("CREATE TABLE t (x)")
    other.commit()
    other.close()
    damaged = tmp_path / "damaged.db"
    data = bytearray((tmp_path / "demo-copy.db").read_bytes())
    data[len(data) // 2:len(data) // 2 + 8192] = b"\xff" * 8192
    damaged.write_bytes(bytes(data))
    runner = CliRunner()
    for bad, message in ((not_sqlite, "not an SQLite database"),
                         (foreign, "not a Regional Map database"),
                         (damaged, "")):
        result = runner.invoke(main, ["--db", str(store), "restore", str(bad), "--yes"])
        assert result.exit_code != 0, bad
        assert message in result.output
    assert _places(store) == before
