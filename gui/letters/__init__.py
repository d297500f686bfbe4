"""兑现通知书 screens: the preview of a batch's letters and the bureau's letter settings."""
