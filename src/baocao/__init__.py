"""baocao: a Fatherland Front committee's half-year report, from unit workbooks to DOCX and HTML."""

__version__ = "0.1.0"
