

def test_wrapped_paragraph_lines_are_joined_but_lists_kept() -> None:
    from bot.announcements.mdfile import unwrap_paragraphs

    body = "Une phrase coupée\npar l’éditeur.\n\n- premier point\n- second point\n\nFin  \nligne forcée"
    assert unwrap_paragraphs(body) == (
        "Une phrase coupée par l’éditeur.\n\n- premier point\n- second point\n\nFin  \nligne forcée"
    )
