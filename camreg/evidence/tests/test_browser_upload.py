"""The owner opens the request link in a real Chromium, answers "I will provide it", states
that the footage is unaltered and sends two real MP4 files with a progress bar each; in
English and Spanish, on a desktop and a phone, with zero axe-core violations."""

from __future__ import annotations

import pytest

from camreg.evidence.models import EvidenceFile, Submission
from camreg.testing.browser import LANGUAGES, VIEWPORTS, assert_accessible, choose, tick
from camreg.testing.evidence import make_video

from .tus_support import send_request

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

TEXTS = {
    "en": {
        "answer": "Send my answer",
        "go": "Send the video",
        "send": "Send the files",
        "sent": "Sent",
    },
    "es": {
        "answer": "Enviar mi respuesta",
        "go": "Enviar el video",
        "send": "Enviar los archivos",
        "sent": "Enviado",
    },
}


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_owner_sends_two_files_from_the_link(new_page, deputy, tmp_path, language, viewport):
    _request, token = send_request(deputy.user, language=language, answer=False)
    files = []
    for index, seconds in enumerate((2, 3)):
        path = tmp_path / f"camera-{index + 1}.mp4"
        path.write_bytes(make_video(seconds=seconds))
        files.append(path)
    page = new_page(viewport)
    page.goto(f"/footage/{token}/")
    choose(page, "answer", "will_provide")
    page.get_by_role("button", name=TEXTS[language]["answer"]).click()
    page.get_by_role("link", name=TEXTS[language]["go"]).click()
    page.wait_for_url(f"**/footage/{token}/upload/**")
    assert page.locator("html").get_attribute("lang") == language
    assert_accessible(page, f"upload page ({language}, {viewport})")

    tick(page, "unaltered")
    page.locator("#upload-files").set_input_files([str(p) for p in files])
    page.get_by_role("button", name=TEXTS[language]["send"]).click()
    bars = page.locator("#upload-list progress")
    bars.first.wait_for()
    assert bars.count() == 2
    for i in range(2):
        assert page.get_by_role("progressbar", name=f"camera-{i + 1}.mp4").count() == 1
    page.wait_for_function(
        "sent => [...document.querySelectorAll('.upload-list__state')]"
        ".every(s => s.textContent === sent)",
        arg=TEXTS[language]["sent"],
    )
    assert page.evaluate(
        "() => [...document.querySelectorAll('#upload-list progress')].map(p => p.value)"
    ) == [100, 100]
    assert_accessible(page, f"upload progress ({language}, {viewport})")
    assert not getattr(page, "csp_violations", [])
    page.locator("#upload-finish button").click()
    page.wait_for_url("**sent=1**")
    assert_accessible(page, f"upload sent ({language}, {viewport})")

    names = sorted(EvidenceFile.objects.values_list("original_name", flat=True))
    assert names == ["camera-1.mp4", "camera-2.mp4"]
    submission = Submission.objects.get()
    assert submission.states_unaltered and submission.language == language
