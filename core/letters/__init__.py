"""兑现通知书 (award letters): one per company of an approved batch, from an editable template.

Pure Python: the letter is built as an HTML string here; gui.printing lays it
out on A4 pages and writes PDF or prints it.

    batch = prepare_letters(store, batch_id)      # core.letters.batch
    for letter in batch.letters:
        letter.html                               # core.letters.document
"""
