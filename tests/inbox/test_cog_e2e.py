"""`/document deposer` through the real client against the fake Discord (tests/e2e)."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.fake_discord import FakeDiscord
from tests.e2e.harness import RelaisHarness

EMBED_LINKS = 1 << 14


async def test_upload_command_posts_the_document_and_answers_with_its_link(
    tmp_path: Path, demo_files: dict[str, bytes]
) -> None:
    async with FakeDiscord() as fake:
        everyone = fake.roles[fake.guild_id]
        everyone.permissions = str(int(everyone.permissions) | EMBED_LINKS)
        async with RelaisHarness.create(fake, tmp_path):  # started on entry
            staff = fake.add_member("Agente de la permanence", roles=["Permanence"])
            data = demo_files["2026-10-info-psoc-5.pdf"]
            interaction = await fake.invoke_command(
                "document deposer",
                {"fichier": ("info-psoc-5.pdf", data), "canal": "psoc"},
                member=staff,
            )
            deferred = await fake.wait_response(interaction)
            assert deferred["type"] == 5 and deferred["data"]["flags"] & 64  # ephemeral defer
            await fake.wait_until(lambda: bool(fake.followups_of(interaction)), 30)
            [answer] = fake.followups_of(interaction)
            [post] = fake.messages_in("psoc")
            assert post.embeds[0]["title"] == "INFO-PSOC numéro 5"
            assert post.files == [("info-psoc-5.pdf", len(data))]
            assert answer["content"].startswith("Document publié")
            assert post.id in answer["content"]

            member = fake.add_member("Membre")
            refused = await fake.invoke_command(
                "document deposer", {"fichier": ("x.txt", b"Note\n\nTexte.")}, member=member
            )
            reply = await fake.wait_response(refused)
            assert "réservée à la permanence" in reply["data"]["content"]
            assert len(fake.messages_in("psoc")) == 1
