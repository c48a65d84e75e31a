"""How the app writes values for people."""

from app.rendering import file_size


def test_file_sizes_read_as_people_expect():
    sizes = [0, 512, 1023, 1024, 1535, 1536, 200 * 1024, 1024**2 - 513, 1024**2 - 512]
    sizes += [int(3.46 * 1024**2), 10 * 1024**2]
    assert [file_size(n) for n in sizes] == [
        "0 B",
        "512 B",
        "1023 B",
        "1 KB",
        "1 KB",
        "2 KB",
        "200 KB",
        "1023 KB",
        "1.0 MB",
        "3.5 MB",
        "10.0 MB",
    ]
