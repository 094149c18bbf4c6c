"""The counter terminal: a Kivy app for cashiers and managers (display and engine calls only)."""
