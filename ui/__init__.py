"""The counter GUI (PySide6): windows, panels, dialogs and the workers that keep them responsive."""
