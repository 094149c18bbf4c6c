"""Receipt printing: documents → layout blocks → ESC/POS bytes or a PNG preview, sent through a
spool so no print job is lost when the printer is offline, out of paper or jammed."""
