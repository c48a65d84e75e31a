"""What a batch costs the database: its lookups are one query each, whatever its size."""

from tests.helpers import statements
from tests.sync.conftest import jpeg, note, photo_ref, post_sync


def selects(db):
    """The SELECT statements run inside the block."""
    return statements(db.engine, selects_only=True)


def batch(size: int, offset: int = 0) -> list[dict]:
    """Notes, every other one with a photo of its own."""
    records = []
    for i in range(offset, offset + size):
        photos = [photo_ref(jpeg(color=(i % 256, 0, 0)))] if i % 2 else []
        records.append(note(f"第{i}条", photos=photos))
    return records


def test_a_batch_of_new_records_reads_as_much_as_a_batch_of_two(client, db, logged_in):
    post_sync(client, note("先发一条"))  # both measured batches come after a commit
    with selects(db) as small:
        assert post_sync(client, *batch(2)).status_code == 200
    with selects(db) as large:
        results = post_sync(client, *batch(40, offset=2)).json["results"]
    assert [r["status"] for r in results] == ["created"] * 40
    assert len(large) == len(small)


def test_a_batch_sent_again_reads_as_much_as_a_batch_of_two(client, db, logged_in):
    small, large = batch(2), batch(40, offset=2)
    post_sync(client, *small, *large)
    with selects(db) as small_again:
        post_sync(client, *small)
    with selects(db) as large_again:
        results = post_sync(client, *large).json["results"]
    assert [r["status"] for r in results] == ["duplicate"] * 40
    assert len(large_again) == len(small_again)
