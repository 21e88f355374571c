"""Issue 12: the new date words cost linear time on hostile shapes (child process, killed past
a generous limit that only a quadratic run would reach)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

LIMIT = 30.0

SHAPES = {
    "weekdays": "'mardi ' * 40_000",
    "bare_days": "'le 12 et le 13, ' * 15_000",
    "month_then_days": "'en avril : les 7, 14 et 28. ' * 8_000",
    "cue_days": "'jusqu\\'au 22 ' * 20_000",
    "relative_words": "'la veille, demain, hier, la semaine prochaine, ' * 5_000",
    "headers": "'De : X\\nEnvoyé : 3 mars 2024\\nÀ : Y\\n' * 6_000",
    "years": "'En 2019, salle 2014, 2020, rue X. ' * 7_000",
    "one_line_dates": "'Le comité se réunira le 3 mars, puis le 10 et le 17. ' * 5_000",
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_dates_stay_linear(shape: str) -> None:
    code = textwrap.dedent(
        f"""
        from datetime import date
        from bot.text import find_dates
        text = {SHAPES[shape]}
        print(len(find_dates(text, date(2027, 1, 1))))
        """
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=LIMIT, check=True
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{shape}: still running after {LIMIT:.0f} s (not linear)")
    assert int(done.stdout) >= 0
