"""What every channel shares: running a turn so that the citizen always gets an answer
(turns.py), masking personal data (masking.py), the limits on requests and the one type of a
refused request (requests.py), reading settings and refusing bad ones (settings.py), collecting
the assistant's messages with their structure (output.py), and the base class of a channel
(channel.py)."""
