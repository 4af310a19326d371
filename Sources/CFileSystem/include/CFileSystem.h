#ifndef LATSIM_CFILESYSTEM_H
#define LATSIM_CFILESYSTEM_H

/// Atomically exchanges two paths (both must exist): Linux renameat2(RENAME_EXCHANGE),
/// macOS renamex_np(RENAME_SWAP). Returns 0, or -1 with errno set (ENOSYS or EINVAL where the
/// system or the file system cannot exchange; callers then fall back to two renames).
int latsim_rename_exchange(const char *first, const char *second);

#endif
