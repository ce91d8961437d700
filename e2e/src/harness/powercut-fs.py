#!/usr/bin/env python3
"""A FUSE filesystem that forgets, on a "cut", everything that was not fsynced: a power cut.

    powercut-fs.py MOUNTPOINT

It keeps two states of one tree in memory, both keyed by inode:
  * the volatile state, which every operation reads and changes (the page cache);
  * the durable state (the platter), which changes only when a program asks for it:
      - fsync / fdatasync of a file makes that file's data, size and mode durable, and nothing
        else: not its name in its directory;
      - fsync of a directory makes that directory's entries durable (creations, renames and
        unlinks in it), a new child arriving with the data it last fsynced (empty if never).
    This is the POSIX minimum, stricter than ext4's journal (which commits a rename with the next
    transaction): a program that passes here loses nothing on a filesystem that keeps more.

Commands, one per line on stdin, each answered by one JSON line on stdout:
  cut    the power cut: the volatile state becomes the durable one; open files are gone (later
         operations on them fail with EIO). Kill the programs using the mount first.
  sync   everything becomes durable, as sync(1) does (to set up a scenario).
  stats  counters: fsyncs, directory fsyncs, cuts, bytes dirty, files.
  exit   unmount and exit.
The first line printed is {"ready": true, ...} once the mount answers.

Rename over an open file and unlink of an open file reach us as libfuse 2's rename to
".fuse_hidden<N>" (libfuse keeps the open file reachable by path that way): such a name is
treated as an unlink that keeps the inode alive for its open handles, and never becomes a
directory entry, durable or not.

Mount with attr/entry timeouts of 0 so the kernel asks again after a cut, and without
keep_cache, so an open after a cut drops the kernel's cached pages of that file.
Needs fusepy (Debian: python3-fusepy, module "fusepy"; pip: fusepy, module "fuse") and /dev/fuse.
"""
import errno
import json
import os
import stat
import subprocess
import sys
import threading
import time

try:
    from fusepy import FUSE, FuseOSError, Operations
except ImportError:  # pip's fusepy installs the module as "fuse"
    from fuse import FUSE, FuseOSError, Operations

PAGE = 4096
HIDDEN_PREFIX = '.fuse_hidden'


class Node:
    """A volatile inode: what programs see now."""

    __slots__ = ('kind', 'mode', 'uid', 'gid', 'data', 'entries', 'target', 'nlink',
                 'atime', 'mtime', 'ctime', 'dirty_pages', 'synced_min_size', 'entries_dirty')

    def __init__(self, kind, mode, uid=0, gid=0):
        now = time.time()
        self.kind = kind  # 'f', 'd' or 'l'
        self.mode = mode  # permission bits only
        self.uid = uid
        self.gid = gid
        self.data = bytearray() if kind == 'f' else None
        self.entries = {} if kind == 'd' else None
        self.target = None
        self.nlink = 2 if kind == 'd' else 1
        self.atime = self.mtime = self.ctime = now
        # What changed since this file's last fsync: pages written, and the smallest size it was
        # truncated to (the durable copy is cut to it before the dirty pages are laid on it).
        self.dirty_pages = set()
        self.synced_min_size = None
        self.entries_dirty = False


class Durable:
    """A durable inode: what would be read back from the disk after a power cut."""

    __slots__ = ('kind', 'mode', 'uid', 'gid', 'data', 'entries', 'target')

    def __init__(self, kind, mode, uid, gid, target=None):
        self.kind = kind
        self.mode = mode
        self.uid = uid
        self.gid = gid
        self.data = bytearray() if kind == 'f' else None
        self.entries = {} if kind == 'd' else None
        self.target = target


ROOT = 1


class PowercutFS(Operations):
    use_ns = True
    # No lock operation: the kernel then keeps POSIX and flock locks itself, as SQLite needs
    # (fusepy's default one answers ENOSYS to every lock).
    lock = None

    def __init__(self):
        self.mutex = threading.RLock()
        self.next_ino = ROOT + 1
        self.next_fh = 1
        self.nodes = {ROOT: Node('d', 0o755, os.getuid(), os.getgid())}
        self.durable = {ROOT: Durable('d', 0o755, os.getuid(), os.getgid())}
        self.handles = {}  # fh -> ino
        self.open_count = {}  # ino -> open handles
        self.hidden = {}  # libfuse's ".fuse_hidden" path -> ino of an unlinked open file
        self.counters = {'fsyncs': 0, 'dir_fsyncs': 0, 'cuts': 0, 'syncs': 0}

    # --- paths -----------------------------------------------------------------------------------

    def _split(self, path):
        parent, name = os.path.split(path)
        return parent, name

    def _lookup(self, path):
        if path in self.hidden:
            return self.hidden[path]
        ino = ROOT
        for part in path.split('/'):
            if part == '':
                continue
            node = self.nodes[ino]
            if node.kind != 'd':
                raise FuseOSError(errno.ENOTDIR)
            child = node.entries.get(part)
            if child is None:
                raise FuseOSError(errno.ENOENT)
            ino = child
        return ino

    def _parent(self, path):
        parent, name = self._split(path)
        pino = self._lookup(parent)
        pnode = self.nodes[pino]
        if pnode.kind != 'd':
            raise FuseOSError(errno.ENOTDIR)
        return pino, pnode, name

    def _node_of(self, path, fh):
        if fh is not None and fh != 0:
            ino = self.handles.get(fh)
            if ino is None or ino not in self.nodes:
                raise FuseOSError(errno.EIO)  # a handle from before a cut
            return ino, self.nodes[ino]
        ino = self._lookup(path)
        return ino, self.nodes[ino]

    def _new_node(self, kind, mode):
        uid, gid, _ = _caller()
        ino = self.next_ino
        self.next_ino += 1
        self.nodes[ino] = Node(kind, mode & 0o7777, uid, gid)
        return ino

    def _unlinked(self, node):
        return node.nlink <= 0 if node.kind != 'd' else node.nlink == 0

    def _drop_link(self, ino):
        """One name of `ino` is gone; the inode goes when no name and no open handle is left."""
        node = self.nodes[ino]
        if node.kind == 'd':
            node.nlink = 0  # directories have one name: an empty one was removed or replaced
        else:
            node.nlink -= 1
        node.ctime = time.time()
        self._forget_if_unused(ino)

    def _forget_if_unused(self, ino):
        node = self.nodes.get(ino)
        if node is not None and self._unlinked(node) and self.open_count.get(ino, 0) == 0:
            del self.nodes[ino]

    # --- the two states --------------------------------------------------------------------------

    def _durable_of(self, ino):
        d = self.durable.get(ino)
        if d is None:
            node = self.nodes[ino]
            d = Durable(node.kind, node.mode, node.uid, node.gid, node.target)
            self.durable[ino] = d
        return d

    def _sync_file(self, ino):
        node = self.nodes[ino]
        d = self._durable_of(ino)
        d.mode, d.uid, d.gid = node.mode, node.uid, node.gid
        if node.kind != 'f':
            return
        if node.synced_min_size is not None and node.synced_min_size < len(d.data):
            del d.data[node.synced_min_size:]
        if len(d.data) < len(node.data):
            d.data.extend(bytes(len(node.data) - len(d.data)))
        elif len(d.data) > len(node.data):
            del d.data[len(node.data):]
        size = len(node.data)
        for page in node.dirty_pages:
            start = page * PAGE
            if start >= size:
                continue
            end = min(start + PAGE, size)
            d.data[start:end] = node.data[start:end]
        node.dirty_pages.clear()
        node.synced_min_size = None

    def _sync_dir(self, ino):
        node = self.nodes[ino]
        d = self._durable_of(ino)
        d.mode, d.uid, d.gid = node.mode, node.uid, node.gid
        d.entries = dict(node.entries)
        for child in node.entries.values():
            self._durable_of(child)  # a new child arrives with what it last fsynced
        node.entries_dirty = False
        self._collect_durable_garbage()

    def _collect_durable_garbage(self):
        reachable = set()
        stack = [ROOT]
        while stack:
            ino = stack.pop()
            if ino in reachable:
                continue
            reachable.add(ino)
            d = self.durable.get(ino)
            if d is not None and d.kind == 'd':
                stack.extend(d.entries.values())
        for ino in list(self.durable):
            # An orphan still alive in the volatile tree keeps what it fsynced: its name may be
            # made durable later by an fsync of its directory.
            if ino not in reachable and ino not in self.nodes:
                del self.durable[ino]

    def cut(self):
        with self.mutex:
            nodes = {}
            links = {}
            subdirs = {}
            stack = [ROOT]
            seen = set()
            while stack:
                ino = stack.pop()
                if ino in seen:
                    continue
                seen.add(ino)
                d = self.durable[ino]
                node = Node(d.kind, d.mode, d.uid, d.gid)
                if d.kind == 'f':
                    node.data = bytearray(d.data)
                elif d.kind == 'd':
                    node.entries = dict(d.entries)
                    for child in d.entries.values():
                        links[child] = links.get(child, 0) + 1
                        if self.durable[child].kind == 'd':
                            subdirs[ino] = subdirs.get(ino, 0) + 1  # the child's ".."
                        stack.append(child)
                else:
                    node.target = d.target
                nodes[ino] = node
            for ino, node in nodes.items():
                node.nlink = 2 + subdirs.get(ino, 0) if node.kind == 'd' else links.get(ino, 1)
            self.nodes = nodes
            self.durable = {ino: self.durable[ino] for ino in seen}
            self.handles = {}
            self.open_count = {}
            self.hidden = {}
            self.counters['cuts'] += 1
            return {'files': sum(1 for n in nodes.values() if n.kind == 'f')}

    def sync_all(self):
        with self.mutex:
            for ino, node in list(self.nodes.items()):
                if node.kind == 'f' or node.kind == 'l':
                    self._sync_file(ino)
            for ino, node in list(self.nodes.items()):
                if node.kind == 'd':
                    self._sync_dir(ino)
            self.counters['syncs'] += 1
            return {}

    def stats(self):
        with self.mutex:
            dirty = sum(len(n.dirty_pages) for n in self.nodes.values() if n.kind == 'f') * PAGE
            return dict(self.counters, files=sum(1 for n in self.nodes.values() if n.kind == 'f'),
                        dirty_bytes_max=dirty, durable_inodes=len(self.durable))

    # --- FUSE operations ------------------------------------------------------------------------

    def init(self, path):
        print(json.dumps({'ready': True, 'pid': os.getpid()}), flush=True)

    def getattr(self, path, fh=None):
        with self.mutex:
            ino, node = self._node_of(path, fh)
            kind = {'f': stat.S_IFREG, 'd': stat.S_IFDIR, 'l': stat.S_IFLNK}[node.kind]
            if node.kind == 'f':
                size = len(node.data)
            elif node.kind == 'l':
                size = len(node.target.encode())
            else:
                size = PAGE
            return {
                'st_ino': ino, 'st_mode': kind | node.mode, 'st_nlink': max(node.nlink, 1 if node.kind != 'd' else 2),
                'st_uid': node.uid, 'st_gid': node.gid, 'st_size': size,
                'st_blocks': (size + 511) // 512, 'st_blksize': PAGE,
                'st_atime': int(node.atime * 1e9), 'st_mtime': int(node.mtime * 1e9),
                'st_ctime': int(node.ctime * 1e9),
            }

    def access(self, path, amode):
        with self.mutex:
            self._lookup(path)
            return 0

    def readdir(self, path, fh):
        with self.mutex:
            ino = self._lookup(path)
            node = self.nodes[ino]
            if node.kind != 'd':
                raise FuseOSError(errno.ENOTDIR)
            return ['.', '..'] + list(node.entries)

    def opendir(self, path):
        with self.mutex:
            ino = self._lookup(path)
            if self.nodes[ino].kind != 'd':
                raise FuseOSError(errno.ENOTDIR)
            return self._open_handle(ino)

    def releasedir(self, path, fh):
        with self.mutex:
            self._close_handle(fh)
            return 0

    def fsyncdir(self, path, datasync, fh):
        with self.mutex:
            ino, node = self._node_of(path, fh)
            if node.kind != 'd':
                raise FuseOSError(errno.ENOTDIR)
            self._sync_dir(ino)
            self.counters['dir_fsyncs'] += 1
            return 0

    def mkdir(self, path, mode):
        with self.mutex:
            pino, pnode, name = self._parent(path)
            if name in pnode.entries:
                raise FuseOSError(errno.EEXIST)
            ino = self._new_node('d', mode)
            pnode.entries[name] = ino
            pnode.nlink += 1
            pnode.mtime = pnode.ctime = time.time()
            return 0

    def rmdir(self, path):
        with self.mutex:
            pino, pnode, name = self._parent(path)
            ino = pnode.entries.get(name)
            if ino is None:
                raise FuseOSError(errno.ENOENT)
            node = self.nodes[ino]
            if node.kind != 'd':
                raise FuseOSError(errno.ENOTDIR)
            if node.entries:
                raise FuseOSError(errno.ENOTEMPTY)
            del pnode.entries[name]
            pnode.nlink -= 1
            pnode.mtime = pnode.ctime = time.time()
            self._drop_link(ino)
            return 0

    def _open_handle(self, ino):
        fh = self.next_fh
        self.next_fh += 1
        self.handles[fh] = ino
        self.open_count[ino] = self.open_count.get(ino, 0) + 1
        return fh

    def _close_handle(self, fh):
        ino = self.handles.pop(fh, None)
        if ino is None:
            return
        self.open_count[ino] -= 1
        if self.open_count[ino] == 0:
            del self.open_count[ino]
            self._forget_if_unused(ino)

    def create(self, path, mode, fi=None):
        with self.mutex:
            pino, pnode, name = self._parent(path)
            ino = pnode.entries.get(name)
            if ino is None:
                ino = self._new_node('f', mode)
                pnode.entries[name] = ino
                pnode.mtime = pnode.ctime = time.time()
            return self._open_handle(ino)

    def open(self, path, flags):
        with self.mutex:
            ino = self._lookup(path)
            node = self.nodes[ino]
            if node.kind == 'd':
                raise FuseOSError(errno.EISDIR)
            if flags & os.O_TRUNC and node.kind == 'f':
                self._truncate_node(node, 0)
            return self._open_handle(ino)

    def release(self, path, fh):
        with self.mutex:
            self._close_handle(fh)
            return 0

    def flush(self, path, fh):
        return 0  # close() is not a sync

    def read(self, path, size, offset, fh):
        with self.mutex:
            ino, node = self._node_of(path, fh)
            if node.kind != 'f':
                raise FuseOSError(errno.EISDIR)
            return bytes(node.data[offset:offset + size])

    def write(self, path, data, offset, fh):
        with self.mutex:
            ino, node = self._node_of(path, fh)
            end = offset + len(data)
            if end > len(node.data):
                node.data.extend(bytes(end - len(node.data)))
            node.data[offset:end] = data
            first, last = offset // PAGE, (end - 1) // PAGE
            node.dirty_pages.update(range(first, last + 1))
            node.mtime = node.ctime = time.time()
            return len(data)

    def _truncate_node(self, node, length):
        if length < len(node.data):
            del node.data[length:]
            node.synced_min_size = length if node.synced_min_size is None else min(node.synced_min_size, length)
        else:
            node.data.extend(bytes(length - len(node.data)))
        node.mtime = node.ctime = time.time()

    def truncate(self, path, length, fh=None):
        with self.mutex:
            ino, node = self._node_of(path, fh)
            if node.kind != 'f':
                raise FuseOSError(errno.EISDIR)
            self._truncate_node(node, length)
            return 0

    def fsync(self, path, datasync, fh):
        with self.mutex:
            ino, node = self._node_of(path, fh)
            self._sync_file(ino)
            self.counters['fsyncs'] += 1
            return 0

    def unlink(self, path):
        with self.mutex:
            if path in self.hidden:
                ino = self.hidden.pop(path)
                self._forget_if_unused(ino)
                return 0
            pino, pnode, name = self._parent(path)
            ino = pnode.entries.get(name)
            if ino is None:
                raise FuseOSError(errno.ENOENT)
            if self.nodes[ino].kind == 'd':
                raise FuseOSError(errno.EISDIR)
            del pnode.entries[name]
            pnode.mtime = pnode.ctime = time.time()
            self._drop_link(ino)
            return 0

    def rename(self, old, new):
        with self.mutex:
            opino, opnode, oname = self._parent(old)
            ino = opnode.entries.get(oname)
            if ino is None:
                raise FuseOSError(errno.ENOENT)
            npino, npnode, nname = self._parent(new)
            if nname.startswith(HIDDEN_PREFIX):
                # libfuse hiding a file that is still open: an unlink that keeps the inode
                # for its handles, never a directory entry.
                del opnode.entries[oname]
                opnode.mtime = opnode.ctime = time.time()
                node = self.nodes[ino]
                node.nlink -= 1
                self.hidden[new] = ino
                return 0
            moving = self.nodes[ino]
            replaced = npnode.entries.get(nname)
            if replaced == ino:
                return 0
            if replaced is not None:
                rnode = self.nodes[replaced]
                if rnode.kind == 'd':
                    if moving.kind != 'd':
                        raise FuseOSError(errno.EISDIR)
                    if rnode.entries:
                        raise FuseOSError(errno.ENOTEMPTY)
                    npnode.nlink -= 1
                elif moving.kind == 'd':
                    raise FuseOSError(errno.ENOTDIR)
            if moving.kind == 'd':
                # A directory may not move into itself.
                check = npino
                while True:
                    if check == ino:
                        raise FuseOSError(errno.EINVAL)
                    parent = self._parent_ino(check)
                    if parent is None:
                        break
                    check = parent
            del opnode.entries[oname]
            npnode.entries[nname] = ino
            if moving.kind == 'd' and opino != npino:
                opnode.nlink -= 1
                npnode.nlink += 1
            now = time.time()
            opnode.mtime = opnode.ctime = npnode.mtime = npnode.ctime = moving.ctime = now
            if replaced is not None:
                self._drop_link(replaced)
            return 0

    def _parent_ino(self, ino):
        if ino == ROOT:
            return None
        for pino, node in self.nodes.items():
            if node.kind == 'd' and ino in node.entries.values():
                return pino
        return None

    def link(self, target, source):
        with self.mutex:
            ino = self._lookup(source)
            if self.nodes[ino].kind == 'd':
                raise FuseOSError(errno.EPERM)
            pino, pnode, name = self._parent(target)
            if name in pnode.entries:
                raise FuseOSError(errno.EEXIST)
            pnode.entries[name] = ino
            self.nodes[ino].nlink += 1
            return 0

    def symlink(self, target, source):
        with self.mutex:
            pino, pnode, name = self._parent(target)
            if name in pnode.entries:
                raise FuseOSError(errno.EEXIST)
            ino = self._new_node('l', 0o777)
            self.nodes[ino].target = source
            pnode.entries[name] = ino
            return 0

    def readlink(self, path):
        with self.mutex:
            node = self.nodes[self._lookup(path)]
            if node.kind != 'l':
                raise FuseOSError(errno.EINVAL)
            return node.target

    def chmod(self, path, mode, fh=None):
        with self.mutex:
            ino, node = self._node_of(path, fh)
            node.mode = mode & 0o7777
            node.ctime = time.time()
            return 0

    def chown(self, path, uid, gid, fh=None):
        with self.mutex:
            ino, node = self._node_of(path, fh)
            if uid != -1 and uid != 0xFFFFFFFF:
                node.uid = uid
            if gid != -1 and gid != 0xFFFFFFFF:
                node.gid = gid
            node.ctime = time.time()
            return 0

    def utimens(self, path, times=None, fh=None):
        with self.mutex:
            ino, node = self._node_of(path, fh)
            if times is None:
                node.atime = node.mtime = time.time()
            else:
                node.atime, node.mtime = times[0] / 1e9, times[1] / 1e9
            return 0

    def statfs(self, path):
        blocks = 16 * 1024 * 1024  # 64 GiB of 4 KiB blocks: the tree lives in memory
        used = sum(len(n.data) for n in self.nodes.values() if n.kind == 'f') // PAGE
        return {'f_bsize': PAGE, 'f_frsize': PAGE, 'f_blocks': blocks, 'f_bfree': blocks - used,
                'f_bavail': blocks - used, 'f_files': 1 << 20, 'f_ffree': (1 << 20) - len(self.nodes),
                'f_namemax': 255}


def _caller():
    try:
        from fusepy import fuse_get_context
    except ImportError:
        from fuse import fuse_get_context
    return fuse_get_context()


def serve_commands(fs, mountpoint):
    for line in sys.stdin:
        command = line.strip()
        if command == 'cut':
            reply = fs.cut()
        elif command == 'sync':
            reply = fs.sync_all()
        elif command == 'stats':
            reply = fs.stats()
        elif command == 'exit' or command == '':
            break
        else:
            print(json.dumps({'ok': False, 'error': f'unknown command {command!r}'}), flush=True)
            continue
        print(json.dumps(dict(reply, ok=True, command=command)), flush=True)
    # stdin closed or "exit": unmount, which ends FUSE's loop in the main thread. A mount still
    # in use (a program left running in it) is detached instead, and the filesystem stops here.
    if subprocess.call(['umount', mountpoint], stderr=subprocess.DEVNULL) != 0:
        subprocess.call(['umount', '-l', mountpoint])
        os._exit(0)


def main():
    if len(sys.argv) != 2:
        sys.stderr.write('usage: powercut-fs.py MOUNTPOINT\n')
        sys.exit(2)
    mountpoint = sys.argv[1]
    fs = PowercutFS()
    threading.Thread(target=serve_commands, args=(fs, mountpoint), daemon=True).start()
    FUSE(fs, mountpoint, foreground=True, nothreads=True, fsname='powercut',
         attr_timeout=0, entry_timeout=0, negative_timeout=0)


if __name__ == '__main__':
    main()
