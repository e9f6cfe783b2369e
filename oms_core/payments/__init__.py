"""Payments: plans, allocation across tenders, providers and the ledger.

Pure rules (:mod:`allocation`, :mod:`plans`) need no database; the ledger
stores every provider answer once and keeps refunds within captures.
"""
