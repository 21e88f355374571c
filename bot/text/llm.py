"""Optional LLM summary through any OpenAI-compatible endpoint (Ollama, vLLM, llama.cpp…).

Used only when configured (``[summary] llm_base_url`` and ``llm_model`` in relais.toml, the key
in ``RELAIS_LLM_API_KEY``). Any failure — network, timeout, HTTP status, malformed answer — falls
back to the extractive summary: a communication is never held up by the LLM. aiohttp is
imported here only, lazily, so ``import bot.text`` stays light.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from bot.safe_text import cut_words
from bot.text.clean import clean_text
from bot.text.model import Analysis
from bot.text.summary import MAX_WORDS

if TYPE_CHECKING:
    import aiohttp

    from bot.models import Document

log = logging.getLogger(__name__)

MAX_INPUT_CHARS = 12_000  # a long report is cut: its beginning and synthesis carry the message

# Not shown to members: the instruction given to the model.
SYSTEM_PROMPT = (
    "Tu résumes en français une communication destinée à des organismes communautaires du "
    "Québec. Écris de 2 à {n} phrases courtes (moins de 60 mots chacune) qui disent ce que la "
    "communication demande, annonce ou décide, avec ses dates importantes. N'invente rien. "
    "Réponds uniquement par les phrases, une par ligne, sans puces ni titre."
)


class LLMError(Exception):
    """The endpoint did not give a usable summary."""


@dataclass(frozen=True)
class LLMConfig:
    base_url: str  # e.g. "http://127.0.0.1:11434/v1" (the part before /chat/completions)
    model: str
    api_key: str | None = None
    timeout_seconds: float = 20.0

    @classmethod
    def from_settings(cls, settings: Any) -> LLMConfig | None:
        """The LLM options of ``bot.settings.Settings``, or None when no endpoint is set."""
        section = settings.config.summary
        base_url = (getattr(section, "llm_base_url", "") or "").strip()
        model = (getattr(section, "llm_model", "") or "").strip()
        if not base_url or not model:
            return None
        secret: Any = getattr(settings, "llm_api_key", None)
        key = secret.get_secret_value() if hasattr(secret, "get_secret_value") else secret
        return cls(
            base_url=base_url,
            model=model,
            api_key=key or None,
            timeout_seconds=float(getattr(section, "llm_timeout_seconds", 20.0)),
        )


async def llm_summary(
    text: str,
    *,
    config: LLMConfig,
    title: str | None = None,
    max_sentences: int = 3,
    session: aiohttp.ClientSession | None = None,
) -> list[str]:
    """Ask the endpoint for a summary; raise LLMError when it gives none."""
    import aiohttp

    n = max(2, min(max_sentences, 4))
    body = clean_text(text)[:MAX_INPUT_CHARS]
    user = f"Titre : {title}\n\n{body}" if title else body
    payload = {
        "model": config.model,
        "messages": [
            {"role": "system", "content": SYSTEM_PROMPT.format(n=n)},
            {"role": "user", "content": user},
        ],
        "temperature": 0.2,
        "max_tokens": 400,
        "stream": False,
    }
    headers = {"Content-Type": "application/json"}
    if config.api_key:
        headers["Authorization"] = f"Bearer {config.api_key}"
    url = config.base_url.rstrip("/") + "/chat/completions"
    timeout = aiohttp.ClientTimeout(total=config.timeout_seconds)
    own = session is None
    client = session or aiohttp.ClientSession()
    try:
        async with client.post(url, json=payload, headers=headers, timeout=timeout) as resp:
            if resp.status != 200:
                raise LLMError(f"HTTP {resp.status} from {url}")
            data = await resp.json(content_type=None)
    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
        raise LLMError(f"{type(exc).__name__}: {exc}") from exc
    finally:
        if own:
            await client.close()
    return _sentences_from_answer(data, n)


def _sentences_from_answer(data: Any, limit: int) -> list[str]:
    try:
        content = data["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError) as exc:
        raise LLMError("no choices[0].message.content in the answer") from exc
    if not isinstance(content, str):
        raise LLMError("the answer's content is not text")
    # Some models think aloud between tags: keep only the answer.
    content = re.sub(r"<think>.*?</think>", "", content, flags=re.DOTALL)
    out: list[str] = []
    for line in content.splitlines():
        line = re.sub(r"^\s*(?:[-*•]|\d+[.)])\s*", "", line).strip().strip("*_#").strip()
        if not line or line.endswith(":"):
            continue
        out.append(cut_words(line, MAX_WORDS))
        if len(out) >= limit:
            break
    if not out:
        raise LLMError("empty summary")
    return out


async def analyse_with_llm(
    text: str,
    *,
    reference: date,
    config: LLMConfig | None,
    title: str | None = None,
    max_sentences: int = 3,
    session: aiohttp.ClientSession | None = None,
    reference_kind: str = "given",
) -> Analysis:
    """``bot.text.analyse`` (off the event loop), then the LLM's summary when it gives one."""
    from bot.text import analyse

    analysis = await asyncio.to_thread(
        analyse,
        text,
        reference=reference,
        title=title,
        max_sentences=max_sentences,
        reference_kind=reference_kind,
    )
    if config is None:
        return analysis
    return await with_llm_summary(
        analysis, text, config=config, title=title, max_sentences=max_sentences, session=session
    )


async def with_llm_summary(
    analysis: Analysis,
    text: str,
    *,
    config: LLMConfig,
    title: str | None,
    max_sentences: int,
    session: aiohttp.ClientSession | None = None,
) -> Analysis:
    """The LLM's summary in place of the extractive one; the extractive one kept on failure."""
    try:
        analysis.summary = await llm_summary(
            text, config=config, title=title, max_sentences=max_sentences, session=session
        )
    except LLMError as exc:
        log.warning("LLM summary unavailable, extractive summary kept: %s", exc)
    return analysis


Analyser = Callable[["Document", date], Awaitable[Analysis]]


def make_analyser(settings: Any, base: Analyser | None = None) -> Analyser | None:
    """An analyser for ``Pipeline(db, settings, analyser=...)``; None when no LLM is set.

    ``base`` gives the dates and the fallback summary: the pipeline passes its worker-process
    analysis (time budget included), so an LLM endpoint never puts a long text back on a
    thread of the bot. Without it (scripts, tests) the analysis runs on a thread."""
    config = LLMConfig.from_settings(settings)
    if config is None:
        return None
    sentences = int(getattr(settings.config.summary, "sentences", 3))

    async def in_thread(doc: Document, reference: date) -> Analysis:
        from bot.text import reference_kind_of

        return await analyse_with_llm(
            doc.text,
            reference=reference,
            config=None,
            title=doc.title,
            max_sentences=sentences,
            reference_kind=reference_kind_of(
                doc.kind, doc.published is not None, doc.meta.get("published_precision")
            ),
        )

    first = base or in_thread

    async def analyser(doc: Document, reference: date) -> Analysis:
        analysis = await first(doc, reference)
        if doc.meta.get("analysis") == "timeout":
            return analysis  # past the budget: the French explanation stays the summary
        return await with_llm_summary(
            analysis, doc.text, config=config, title=doc.title, max_sentences=sentences
        )

    return analyser
