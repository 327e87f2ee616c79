"""Email delivery of the published report package (contract §4), exactly once per recipient and version.

    recipients.py  the recipients file (mottagare.yaml): allowed domains and one list per report kind
    changes.py     what a correction changed: every figure old -> new, labelled and formatted in Swedish
    ledger.py      the delivery ledger: one row per (period, version, recipient) and its state
    messages.py    the stored email.eml addressed to one recipient (From, To, a stable Message-ID)
    transport.py   SMTP (smtplib: STARTTLS, SSL or none) and the outbox (one .eml per recipient)
    send.py        who gets which version, and the loop that sends and records each message

The flow calls `send.deliver` after publishing; the operator's commands (`uppfoljning deliveries`,
`uppfoljning resend`, `uppfoljning send`) call `send` and `ledger` directly.
"""
