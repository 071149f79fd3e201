"""The step benchmark runs and reports every column (its timings are read by people, not asserted)."""

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
