"""The company record: profile, history and awards (the panel and dialogs of the 企业档案 screen)."""
