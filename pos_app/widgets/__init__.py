"""The side panels and dialogs of the main window."""
