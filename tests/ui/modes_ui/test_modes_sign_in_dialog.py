"""The sign-in dialog says what it is without a title bar."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from pos_app.widgets.sign_in_dialog import SignInDialog


def test_the_dialog_names_itself_and_what_to_type(qtbot):
    dialog = SignInDialog("Supervisor <approval>", touch=False)
    qtbot.addWidget(dialog)

    heading = dialog.findChild(QLabel, "signInHeading")
    words = " ".join(label.text() for label in dialog.findChildren(QLabel))

    assert heading.text() == "<b>Supervisor &lt;approval&gt;</b>"
    assert "staff number and PIN" in words
