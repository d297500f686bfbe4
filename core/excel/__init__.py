"""Batch workbooks: the template, reading and checking a filled workbook, and the exports.

- :mod:`core.excel.layout`   sheets and columns, derived from the vocabulary
- :mod:`core.excel.template` the 申报模板 a bureau sends to companies
- :mod:`core.excel.package`  refusing hostile files before any cell is read; what is hidden
- :mod:`core.excel.reader`   ``read_workbook`` -> ImportData, or every problem at once
- :mod:`core.excel.import_rows` checked rows become ImportData; the checks across rows
- :mod:`core.excel.errorbook` a copy with the bad cells marked and a 错误清单
- :mod:`core.excel.export_common` what the exports share: checks on lines and totals, sheet helpers
- :mod:`core.excel.results_workbook` the results workbook (汇总, 按企业汇总, 奖补明细 with the trace)
- :mod:`core.excel.disbursement_sheet` 资金拨付明细表 (and 应追回明细 of an adjustment)
- :mod:`core.excel.publicity_list` 公示名单
- :mod:`core.excel.writer`   every cell written goes through it: text stays text, rows stream fast
- :mod:`core.excel.commands` the headless commands
"""
