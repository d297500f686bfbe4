"""免申即享 offline: official lists read as published, matched to the store, made into claims; 应享未享.

- ``kinds``: the kinds of list and the fields a list's columns are read as;
- ``read``: a list file (xlsx through the safety checks of core.excel.package, csv, xls) as rows of text;
- ``mapping``: which column holds which field, recognised from the headers, changeable by the clerk;
- ``names``: company names in one form, and how alike two are (a branch is never its parent);
- ``matching``: each row to a stored company: by 统一社会信用代码, by name, or proposed for the clerk;
- ``claims``: the claim a matched row stands for;
- ``records``: the lists and their rows as shown, and the words for a row's match and answer;
- ``importing``, ``matches``, ``batchclaims``, ``answers``: what the program does with lists in the store (import,
  match, claims, 意愿确认), each action one audited transaction; ``service`` gathers them for the screens;
- ``consent``: the 确认表 sent to companies and read back;
- ``entitled``: 应享未享, awards a company's history entitles it to that no batch has paid.
"""
