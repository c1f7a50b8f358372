"""The portal's date formats (FORMAT_MODULE_PATH): ISO dates in every language, so that a date reads the same on
every page, in the PDF and in the exports, and sorts as text."""
