"""What every target of the suite shares: the push target and sinks, the journal, the ledger.

A target sends each record once (the journal), remembers what it sent (the ledger),
reports what it did, and keeps what it could not send in a dead-letter file.
"""
