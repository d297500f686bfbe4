"""免申即享's tabs (gui.pages.lists is the page): 名单与匹配, 意愿确认, 应享未享, the mapping dialog."""
