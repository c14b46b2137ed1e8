"""Intake: a unit's workbook as the unit sees it in Excel, and the template it fills.

In: one file's bytes (.xlsx, .xlsm, .xlsb, .xls, .ods). Out: its cells with their addresses,
number formats and Excel error values (`read.UnitWorkbook`), or an `InputError` naming what is
wrong with the file; Vietnamese numbers and legacy (TCVN3/VNI) text understood; the intake
template written for a period. Knows the sheet layout, not the rules of the indicators.
"""
