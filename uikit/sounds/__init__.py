"""The scan sounds that ship with the apps (made by make_sounds.py): a high short beep when a
scan is accepted, two lower beeps when it is refused."""

from pathlib import Path

HERE = Path(__file__).resolve().parent
ACCEPTED = HERE / "accepted.wav"
REFUSED = HERE / "refused.wav"
