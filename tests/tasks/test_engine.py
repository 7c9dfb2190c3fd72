"""The training engine: configs and overrides, a real SR run, resume, SIGTERM, DDP, eval."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import skimage.data

pytest.importorskip("lightning", reason="the train extra is not installed (lightning)")
yaml = pytest.importorskip("yaml", reason="the train extra is not installed (pyyaml)")
torch = pytest.importorskip("torch")

from resamplers.cli.main import main  # noqa: E402
from resamplers.data.io import write_image  # noqa: E402
from resamplers.tasks.engine import ConfigError, apply_overrides, load_config, train  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / "configs" / "sr" / "espcn_x3.yaml"


@pytest.fixture(scope="module")
def data_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``train/``: four 48x48 photo crops and a corrupt PNG; ``val/``: two 36x36 crops."""
    root = tmp_path_factory.mktemp("sr")
    photos = [skimage.data.astronaut(), skimage.data.coffee(), skimage.data.chelsea(),
              skimage.data.camera()]
    for folder, size, count in (("train", 48, 4), ("val", 36, 2)):
        (root / folder).mkdir()
        for i, photo in enumerate(photos[:count]):
            crop = np.ascontiguousarray(photo[100: 100 + size, 120: 120 + size])
            write_image(root / folder / f"{i}.png", crop)
    (root / "train" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n not an image")
    return root


def tiny_overrides(data_root: Path, out: Path, **trainer: object) -> list[str]:
    """Overrides of ``espcn_x3.yaml`` for a run of seconds on the tiny data set."""
    settings = {"max_steps": 6, "checkpoint_every_n_steps": 2, "val_every_n_steps": 3,
                "accelerator": "cpu", "enable_progress_bar": False, **trainer}
    return [
        f"out={out}", f"data.root={data_root}", "data.train=train", "data.val=val",
        "data.patch_size=12", "data.patches_per_image=2", "data.batch_size=4",
        "data.num_workers=0", "data.pool=24", "+trainer.enable_model_summary=false",
        *(f"trainer.{key}={json.dumps(value)}" for key, value in settings.items()),
    ]


def ckpt_step(path: Path) -> int:
    return int(torch.load(path, map_location="cpu", weights_only=False)["global_step"])


@pytest.fixture(scope="module")
def trained(data_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder of a finished 6-step run (checkpoints every 2 steps, validation every 3)."""
    out = tmp_path_factory.mktemp("run") / "run"
    config = load_config(CONFIG, tiny_overrides(data_root, out))
    with pytest.warns(UserWarning, match=r"broken\.png"):  # skipped, named by path
        assert train("sr", config) == 0
    return out


def test_overrides_parse_values_and_name_unknown_keys() -> None:
    config = {"trainer": {"max_steps": 1, "precision": "auto"}, "optim": {"lr": 0.1}}
    new = apply_overrides(config, ["trainer.max_steps=200", "optim.lr=1e-3",
                                   "trainer.precision=16-mixed", "+model.d=32", "+flag=true"])
    assert new == {"trainer": {"max_steps": 200, "precision": "16-mixed"},
                   "optim": {"lr": 1e-3}, "model": {"d": 32}, "flag": True}
    assert config["trainer"]["max_steps"] == 1  # a copy
    with pytest.raises(ConfigError, match=r"^optim\.betas: unknown key \(known: lr\)"):
        apply_overrides(config, ["optim.betas=[0.9, 0.99]"])
    with pytest.raises(ConfigError, match=r"^optim\.lr: is a float, not a section"):
        apply_overrides(config, ["+optim.lr.x=1"])
    with pytest.raises(ConfigError, match="must be key=value"):
        apply_overrides(config, ["trainer.max_steps"])


def test_load_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nope\.yaml: no such config file"):
        load_config(tmp_path / "nope.yaml")
    (tmp_path / "list.yaml").write_text("- 1\n")
    with pytest.raises(ConfigError, match="must be a YAML mapping"):
        load_config(tmp_path / "list.yaml")


def test_every_config_loads_and_builds() -> None:
    from resamplers.tasks.sr.train import Module

    for path in sorted((REPO / "configs" / "sr").glob("*.yaml")):
        config = load_config(path)
        model = Module(config).model
        lr = torch.rand(1, 1, 5, 6)
        assert model(lr).shape[-2:] == (5 * config["data"]["scale"], 6 * config["data"]["scale"])


def test_run_writes_config_record_checkpoints_and_logs(trained: Path) -> None:
    config = yaml.safe_load((trained / "config.yaml").read_text())
    assert config["trainer"]["max_steps"] == 6 and config["data"]["patch_size"] == 12
    (launch,) = yaml.safe_load((trained / "run.yaml").read_text())
    assert launch["seed"] == 0 and launch["resumed_from_step"] is None
    assert launch["versions"]["torch"] == str(torch.__version__)
    assert "git_commit" in launch
    assert launch["cpu_threads"] == torch.get_num_threads() and launch["gpus"] == []
    assert ckpt_step(trained / "checkpoints" / "last.ckpt") == 6
    assert sorted(p.name for p in (trained / "checkpoints").iterdir()) == ["last.ckpt"]
    rows = list(csv.DictReader((trained / "logs/csv/version_0/metrics.csv").open()))
    psnr = {int(r["step"]): float(r["val/psnr"]) for r in rows if r.get("val/psnr")}
    assert sorted(psnr) == [3, 6] and all(np.isfinite(list(psnr.values())))


def test_eval_cli_scores_the_checkpoint(trained: Path, data_root: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    rows = list(csv.DictReader((trained / "logs/csv/version_0/metrics.csv").open()))
    logged = [float(r["val/psnr"]) for r in rows if r.get("val/psnr") and r["step"] == "6"]
    assert main(["eval", "sr", "--checkpoint", str(trained / "checkpoints/last.ckpt"),
                 "--set", str(data_root / "val")]) == 0
    mean = capsys.readouterr().out.splitlines()[-1].split()
    assert mean[0] == "mean" and float(mean[1]) == pytest.approx(logged[-1], abs=1e-3)
    assert main(["eval", "sr", "--checkpoint", str(trained / "none.ckpt")]) == 2
    assert "none.ckpt: no such checkpoint file" in capsys.readouterr().err


def test_resume_continues_from_the_last_step(trained: Path, data_root: Path,
                                             tmp_path: Path) -> None:
    out = tmp_path / "run"
    (out / "checkpoints").mkdir(parents=True)
    for name in ("config.yaml", "run.yaml", "checkpoints/last.ckpt"):
        (out / name).write_bytes((trained / name).read_bytes())
    config = load_config(CONFIG, tiny_overrides(data_root, out, max_steps=9))
    with pytest.raises(ConfigError, match="already holds a run; add --resume"):
        train("sr", config)
    assert train("sr", config, resume=True) == 0
    assert ckpt_step(out / "checkpoints" / "last.ckpt") == 9
    launches = yaml.safe_load((out / "run.yaml").read_text())
    assert [(launch["seed"], launch["resumed_from_step"]) for launch in launches] == [
        (0, None), (6, 6)]


def test_mixed_precision_run(trained: Path, data_root: Path, tmp_path: Path) -> None:
    """bf16 autocast, the mechanism ``precision: auto`` picks on GPUs, run here on the CPU: the
    same run as in 32-bit (same seed, data and steps) logs the same validation PSNR within
    bf16's rounding, and its weights stay float32."""
    out = tmp_path / "run"
    config = load_config(CONFIG, tiny_overrides(data_root, out, precision="bf16-mixed"))
    assert train("sr", config) == 0

    def logged_psnr(run: Path) -> list[float]:
        rows = csv.DictReader((run / "logs/csv/version_0/metrics.csv").open())
        return [float(r["val/psnr"]) for r in rows if r.get("val/psnr")]

    np.testing.assert_allclose(logged_psnr(out), logged_psnr(trained), atol=0.05)
    state = torch.load(out / "checkpoints/last.ckpt", map_location="cpu", weights_only=False)
    assert {w.dtype for w in state["state_dict"].values()} == {torch.float32}


def test_init_starts_from_another_runs_weights(trained: Path, data_root: Path,
                                               tmp_path: Path) -> None:
    init = trained / "checkpoints" / "last.ckpt"
    # lr 0: the fine-tuned run's weights stay those it started from.
    config = load_config(CONFIG, [*tiny_overrides(data_root, tmp_path / "run", max_steps=2),
                                  f"+init={json.dumps(str(init))}", "optim.lr=0",
                                  "optim.schedule=constant"])
    assert train("sr", config) == 0
    start = torch.load(init, map_location="cpu", weights_only=False)
    end = torch.load(tmp_path / "run/checkpoints/last.ckpt", map_location="cpu",
                     weights_only=False)
    assert end["global_step"] == 2  # its own step count
    assert start["state_dict"].keys() == end["state_dict"].keys()
    for name, weight in start["state_dict"].items():
        torch.testing.assert_close(end["state_dict"][name], weight, rtol=0, atol=0)
    other = load_config(CONFIG, [*tiny_overrides(data_root, tmp_path / "other"),
                                 f"+init={json.dumps(str(init))}", "model.up=transposed"])
    with pytest.raises(ConfigError, match=r"init: .*last\.ckpt holds another network's weights"):
        train("sr", other)


def test_clear_errors(data_root: Path, tmp_path: Path,
                      capsys: pytest.CaptureFixture[str]) -> None:
    base = tiny_overrides(data_root, tmp_path / "run")
    cases = {
        "data.val=Set99": "Set99: no such data folder",
        "+trainer.bogus=1": "trainer.bogus: not a lightning.Trainer argument",
        "+trainer.logger=false": "trainer.logger: set by the engine",
        "loss=l3": "loss: 'l3'; expected one of l1, mse",
        "optim.schedule=step": "optim.schedule: 'step'; expected one of constant, cosine",
        f"+init={json.dumps(str(tmp_path / 'none.ckpt'))}": r"init: .*none\.ckpt: no such",
        f"+init={json.dumps(str(CONFIG))}": r"init: .*espcn_x3\.yaml: not a training checkpoint",
    }
    for override, message in cases.items():
        with pytest.raises(ConfigError, match=message):
            train("sr", load_config(CONFIG, [*base, override]))
    assert not (tmp_path / "run").exists()  # nothing written for a bad config
    assert main(["train", "sr", "--config", str(tmp_path / "no.yaml")]) == 2
    assert main(["train", "sr", "--config", str(CONFIG), "trainer.max_stepz=3"]) == 2
    assert main(["train", "sr", "--resume", "--config", str(CONFIG), f"out={tmp_path}"]) == 2
    # Overrides after --resume are overrides too (argparse alone left them unrecognized).
    assert main(["train", "sr", "--config", str(CONFIG), "--resume", f"out={tmp_path}"]) == 2
    assert main(["train", "sr", "--config", str(CONFIG), "--resume", "oops"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("resamplers: error: ") and "no.yaml: no such config file" in err[0]
    assert "trainer.max_stepz: unknown key" in err[1]
    assert "last.ckpt: nothing to resume from" in err[2]
    assert f"{tmp_path}" in err[3] and "last.ckpt: nothing to resume from" in err[3]
    assert "unrecognized arguments: oops" in err[4]


def test_cosine_schedule_steps_from_lr_to_min_lr(data_root: Path, tmp_path: Path) -> None:
    from resamplers.tasks.sr.train import Module

    config = load_config(CONFIG, [*tiny_overrides(data_root, tmp_path, max_steps=10),
                                  "optim.lr=0.01", "optim.min_lr=0.0001"])
    scheduler = Module(config).configure_optimizers()["lr_scheduler"]["scheduler"]
    rates = []
    for _ in range(11):
        rates.append(scheduler.get_last_lr()[0])
        scheduler.step()
    expected = [1e-4 + (1e-2 - 1e-4) * 0.5 * (1 + np.cos(np.pi * k / 10)) for k in range(11)]
    np.testing.assert_allclose(rates, expected, rtol=1e-12)
    config["optim"]["schedule"] = "constant"
    scheduler = Module(config).configure_optimizers()["lr_scheduler"]["scheduler"]
    for _ in range(3):
        scheduler.step()
    assert scheduler.get_last_lr() == [0.01]


def run_cli(args: list[str], **kwargs: object) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.Popen([sys.executable, "-m", "resamplers", *args], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            **kwargs)


def start_long_run(data_root: Path, out: Path) -> tuple[subprocess.Popen[str], int]:
    """A CLI run with a checkpoint every 5 steps, once it has saved one, and that one's step."""
    proc = run_cli(["train", "sr", "--config", str(CONFIG),
                    *tiny_overrides(data_root, out, max_steps=100_000, checkpoint_every_n_steps=5,
                                    val_every_n_steps=0)])
    last = out / "checkpoints" / "last.ckpt"
    deadline = time.monotonic() + 60
    while not last.is_file():
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()[0]
        time.sleep(0.1)
    return proc, ckpt_step(last)


def resume(data_root: Path, out: Path, steps: int) -> int:
    """Resume the run of :func:`start_long_run` for ``steps`` more steps; the step it began at."""
    saved = ckpt_step(out / "checkpoints" / "last.ckpt")
    config = load_config(CONFIG, tiny_overrides(data_root, out, max_steps=saved + steps,
                                                checkpoint_every_n_steps=5, val_every_n_steps=0))
    assert train("sr", config, resume=True) == 0
    assert ckpt_step(out / "checkpoints" / "last.ckpt") == saved + steps
    return yaml.safe_load((out / "run.yaml").read_text())[-1]["resumed_from_step"]


def test_sigterm_saves_the_step_and_resume_continues(data_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    proc, periodic = start_long_run(data_root, out)
    proc.send_signal(signal.SIGTERM)
    output = proc.communicate(timeout=60)[0]
    assert proc.returncode == 128 + signal.SIGTERM, output
    saved = ckpt_step(out / "checkpoints" / "last.ckpt")
    assert f"stopped by signal 15 at step {saved}" in output
    assert saved >= periodic >= 5
    assert resume(data_root, out, 2) == saved


def test_kill9_loses_at_most_one_checkpoint_interval(data_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    proc, _ = start_long_run(data_root, out)
    time.sleep(1)  # some steps past the first checkpoint
    proc.kill()
    proc.communicate(timeout=60)
    saved = ckpt_step(out / "checkpoints" / "last.ckpt")  # whole: written aside, then renamed
    assert saved % 5 == 0 and saved >= 5
    assert resume(data_root, out, 1) == saved


def test_ddp_two_cpu_processes(data_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    args = ["train", "sr", "--config", str(CONFIG),
            *tiny_overrides(data_root, out, max_steps=4, strategy="ddp", devices=2)]
    proc = run_cli(args)
    output = proc.communicate(timeout=120)[0]
    assert proc.returncode == 0, output
    assert "GLOBAL_RANK: 1, MEMBER: 2/2" in output
    assert ckpt_step(out / "checkpoints" / "last.ckpt") == 4
    assert len(yaml.safe_load((out / "run.yaml").read_text())) == 1  # rank 0 alone records
