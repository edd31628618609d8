"""Printable documents (PDF with the Chinese font embedded) and spreadsheets."""
