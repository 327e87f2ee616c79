"""Uppföljning: the monthly follow-up of Region Halland's regional board and office."""
