"""The congress feature's writes: sessions, motions, evaluations, notices. Each service
decides and writes, flushes, and never commits; it raises the shared errors."""
