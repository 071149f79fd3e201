"""The benchmarks run and report every column (their timings are read by people, not asserted)."""

import bench_lighthouse
import bench_step
import oracles


def test_benchmark_prints_reference_torch_and_copy_floor_side_by_side(capsys):
    oracles.require("torch")
    bench_step.main(sizes=(2_000, 40_000))
    lines = capsys.readouterr().out.splitlines()
    assert "ref/foreach" in lines[1] and "ref/copy" in lines[1]
    assert [line.split()[0] for line in lines[2:]] == ["2e+03", "4e+04"]
    for line in lines[2:]:
        ratios = [float(x) for x in line.split()[-3:]]
        assert all(r > 0 for r in ratios)


def test_lighthouse_benchmark_measures_our_page_beside_the_bare_one(capsys, chromium):
    """One run on one page: the benchmark builds both sites, runs the pinned Lighthouse and prints
    every column (the scores are read by people and reported in the issue note, not asserted)."""
    oracles.node()
    if not bench_lighthouse.LIGHTHOUSE.exists():
        oracles.unavailable("node_modules/.bin/lighthouse is missing (npm ci)")
    rows = bench_lighthouse.main(pages=("rprop/",), runs=1)
    lines = capsys.readouterr().out.splitlines()
    assert "FCP ms" in lines[1] and "× bare" in lines[1]
    assert [line.split()[0] for line in lines[2:]] == ["bare", "rprop/"]
    for row in rows.values():
        assert all(0 <= row[c] <= 100 for c in bench_lighthouse.CATEGORIES)
        assert 0 < row["html"] < row["bytes"]
    assert rows["rprop/"]["html"] > rows[bench_lighthouse.BARE]["html"]
