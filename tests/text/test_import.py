import subprocess
import sys


def test_import_is_light(repo_dir) -> None:
    code = (
        "import sys, bot.text; "
        "heavy = [m for m in ('aiohttp', 'discord', 'pydantic', 'bot.text.llm', 'bot.settings') "
        "if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=repo_dir, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_public_api() -> None:
    import bot.text as text

    for name in (
        "clean_text",
        "split_sentences",
        "find_dates",
        "summarize",
        "analyse",
        "Analysis",
        "FoundDate",
        "dates_to_remember",
        "document_date",
        "describe",
    ):
        assert hasattr(text, name), name
