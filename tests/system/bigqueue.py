# SPDX-License-Identifier: ISC
"""Fill a Postfix queue directory with N deferred messages, fast.

Usage as a module (tests, benches):

    import bigqueue
    ids = bigqueue.fill_deferred(queue_dir, 300000)   # returns the queue ids
    bigqueue.count_deferred(queue_dir)                  # complete files now
    bigqueue.clear_deferred(queue_dir, ids)             # remove them again

Usage from the shell (as root):

    python3 tests/system/bigqueue.py QUEUE_DIR N [--retry-in SECONDS]

What it writes: one queue file per message under QUEUE_DIR/deferred/<h>/ID
(hash_queue_depth 1, the default: <h> is the first character of the id),
in Postfix's record format (C size record, T arrival time, sender,
message content, recipient, E end), so that postcat, postqueue and vipd's
queue check read them as ordinary deferred mail.  Files are owned by the
postfix user with mode 0700 (a finished queue file), like cleanup leaves
them.  No Postfix process needs to run, and none is told: the running
queue manager finds the files at its next deferred-queue scan.

A deferred file's mtime is its next retry time (postfix-health.md).  By
default it is set one day ahead (--retry-in), so the queue manager leaves
the messages where they are for the length of a test or benchmark instead
of moving 300 000 messages through active and back; pass 0 to make them due
at once.  Arrival times are spread over the last hour.

Speed: about 300 000 files in well under a minute on the lab machine (see
main() output); the cost is open + write + fchown + utime per file.
Queue ids are short-format (uppercase hex, 12 characters) and unique
within one call; a second call needs a different `tag` (0..15, the second
hex digit of every id) so that it adds to the queue instead of overwriting.
"""

import os
import pwd
import sys
import time

HASH_CHARS = "0123456789ABCDEF"


def _rec(rtype, data):
    """One record: type byte, length varint (7 bits per byte, low first),
    data."""
    n = len(data)
    out = bytearray(rtype.encode())
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            break
    return bytes(out) + data


def queue_file(qid, arrival, sender="bounce-test@client.test",
               rcpt="user@unreachable.example"):
    """The bytes of a deferred queue file for queue id qid that arrived at
    epoch second arrival (float)."""
    body = [b"Received: by mx.test (Postfix) id %s" % qid.encode(),
            b"From: <%s>" % sender.encode(),
            b"To: <%s>" % rcpt.encode(),
            b"Subject: deferred test message %s" % qid.encode(),
            b"Message-Id: <%s@mx.test>" % qid.encode(),
            b"",
            b"A message that the test relay will not accept yet."]
    content = b"".join(_rec("N", line) for line in body)
    head = [_rec("T", b"%d %d" % (int(arrival), int(arrival % 1 * 1e6))),
            _rec("A", b"create_time=%d" % int(arrival)),
            _rec("S", sender.encode())]
    msg = _rec("M", b"")
    tail = [_rec("X", b""), _rec("O", rcpt.encode()), _rec("R", rcpt.encode()),
            _rec("E", b"")]
    # C: message size, content offset, recipient count, qmgr options,
    # content length; fixed width so that its own size is known up front.
    csize = len(_rec("C", b"%15d %15d %15d %15d %15d" % (0, 0, 0, 0, 0)))
    data_offset = csize + sum(map(len, head)) + len(msg)
    size = len(content)
    c = _rec("C", b"%15d %15d %15d %15d %15d" % (size, data_offset, 1, 0, size))
    return c + b"".join(head) + msg + content + b"".join(tail)


def fill_deferred(queue_dir, n, retry_in=86400, tag=0, uid=None, gid=None):
    """Write n deferred messages into queue_dir/deferred (see the module
    doc); returns the list of their queue ids.  uid/gid default to the
    postfix user's.  tag (0..15) is the second hex digit of every id: use a
    different one to add to an already filled queue."""
    if uid is None or gid is None:
        pw = pwd.getpwnam("postfix")
        uid = pw.pw_uid if uid is None else uid
        gid = pw.pw_gid if gid is None else gid
    deferred = os.path.join(queue_dir, "deferred")
    now = time.time()
    mtime = now + retry_in
    dirs = {}
    for h in HASH_CHARS:
        d = os.path.join(deferred, h)
        if not os.path.isdir(d):
            os.makedirs(d, mode=0o700, exist_ok=True)
            os.chown(d, uid, gid)
        dirs[h] = os.open(d, os.O_RDONLY | os.O_DIRECTORY)
    # A template per second of arrival would be exact; one per message is
    # cheap enough and keeps every file's T record distinct.
    ids = []
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
    try:
        for i in range(n):
            # The first hex digit picks the hash directory: it cycles
            # fastest; then the tag, then the counter.
            qid = "%X%X%010X" % (i & 0xF, tag & 0xF, i)
            h = qid[0]
            arrival = now - 3600 + 3600.0 * i / max(n, 1)
            # As cleanup does: 0600 while being written, 0700 (complete)
            # last, after the retry time is set, so that a queue manager
            # scan in between never takes a half-made or due file.
            fd = os.open(qid, flags, 0o600, dir_fd=dirs[h])
            try:
                os.write(fd, queue_file(qid, arrival))
                os.fchown(fd, uid, gid)
                os.utime(fd, (mtime, mtime))
                os.fchmod(fd, 0o700)
            finally:
                os.close(fd)
            ids.append(qid)
    finally:
        for fd in dirs.values():
            os.close(fd)
    return ids


def count_deferred(queue_dir):
    """Complete files ((mode & 0733) == 0700) under queue_dir/deferred."""
    n = 0
    for root, _dirs, files in os.walk(os.path.join(queue_dir, "deferred")):
        for f in files:
            try:
                st = os.lstat(os.path.join(root, f))
            except FileNotFoundError:
                continue
            if st.st_mode & 0o733 == 0o700:
                n += 1
    return n


def clear_deferred(queue_dir, ids):
    """Remove the files fill_deferred wrote (ids it returned); files the
    queue manager moved or delivered meanwhile are skipped."""
    for qid in ids:
        try:
            os.unlink(os.path.join(queue_dir, "deferred", qid[0], qid))
        except FileNotFoundError:
            pass


def main(argv):
    if len(argv) < 3 or argv[1] in ("-h", "--help"):
        print(__doc__.split("\n\n")[2], file=sys.stderr)
        return 2
    retry_in = 86400
    if len(argv) == 5 and argv[3] == "--retry-in":
        retry_in = float(argv[4])
    t0 = time.monotonic()
    ids = fill_deferred(argv[1], int(argv[2]), retry_in=retry_in)
    print("%d deferred messages in %s/deferred in %.1f s" %
          (len(ids), argv[1], time.monotonic() - t0))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
