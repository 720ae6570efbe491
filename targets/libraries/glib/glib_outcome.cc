// GIO's error convention: a GError of G_IO_ERROR whose code GSocket made from the errno
// with g_io_error_from_errno (gsocket.c's socket_io_error_from_errno on Unix). Read as
// connfuzz's reported error: G_IO_ERROR_TIMED_OUT is a timeout (ETIMEDOUT); every other
// code is GIO's own, reported negative so that none is read as an errno.
#include <cerrno>
#include <string>

#include "glib_connect.h"

namespace connfuzz::libraries::glib {
namespace {

constexpr int kGioCodeBase = 1000;  // -(1000 + code): G_IO_ERROR_FAILED (0) is not "no error"
constexpr int gio(GIOErrorEnum code) { return -(kGioCodeBase + static_cast<int>(code)); }

void release_connection(GSocketConnection* connection, GMainContext* context) {
  g_object_unref(connection);
  if (context) g_main_context_unref(context);
}

}  // namespace

connfuzz::Result failure(const GError* error, const char* step) {
  connfuzz::Result r;
  int reported = gio(G_IO_ERROR_FAILED);
  if (error && error->domain == G_IO_ERROR)
    reported = error->code == G_IO_ERROR_TIMED_OUT ? ETIMEDOUT : gio(static_cast<GIOErrorEnum>(error->code));
  r.error = std::error_code(reported, std::system_category());
  r.message = std::string(step) + ": " + (error ? error->message : "(no GError)") + " [" +
              (error ? g_quark_to_string(error->domain) : "") + " " + std::to_string(error ? error->code : -1) + "]";
  return r;
}

connfuzz::Result deadline_passed(const char* step) {
  connfuzz::Result r;
  r.error = std::error_code(ETIMEDOUT, std::system_category());
  r.message = std::string(step) + ": the caller's deadline passed";
  return r;
}

connfuzz::Result connected(GSocketConnection* connection, GMainContext* context) {
  connfuzz::Result r;
  r.fd = g_socket_get_fd(g_socket_connection_get_socket(connection));
  r.owner = std::shared_ptr<void>(connection, [context](void* c) {
    release_connection(static_cast<GSocketConnection*>(c), context);
  });
  return r;
}

// g_io_error_from_errno of GLib 2.74.6 (gio/gioerror.c: g_file_error_from_errno, then
// g_io_error_from_file_error, then its own switch): every errno it gives a code of its
// own (checked against the installed library for errnos 1 to 133), and the errnos of a
// connect path it reports as G_IO_ERROR_FAILED.
const std::vector<connfuzz::Translation>& error_convention() {
  static const std::vector<connfuzz::Translation> rows = [] {
    const std::pair<int, GIOErrorEnum> codes[] = {
        {EACCES, G_IO_ERROR_PERMISSION_DENIED},   {EPERM, G_IO_ERROR_PERMISSION_DENIED},
        {EADDRINUSE, G_IO_ERROR_ADDRESS_IN_USE},  {EAFNOSUPPORT, G_IO_ERROR_NOT_SUPPORTED},
        {EOPNOTSUPP, G_IO_ERROR_NOT_SUPPORTED},   {EPROTONOSUPPORT, G_IO_ERROR_NOT_SUPPORTED},
        {EAGAIN, G_IO_ERROR_WOULD_BLOCK},         {ECONNREFUSED, G_IO_ERROR_CONNECTION_REFUSED},
        {ECONNRESET, G_IO_ERROR_CONNECTION_CLOSED}, {EPIPE, G_IO_ERROR_BROKEN_PIPE},
        {EHOSTUNREACH, G_IO_ERROR_HOST_UNREACHABLE}, {ENETUNREACH, G_IO_ERROR_NETWORK_UNREACHABLE},
        {ENETDOWN, G_IO_ERROR_NETWORK_UNREACHABLE}, {EINVAL, G_IO_ERROR_INVALID_ARGUMENT},
        {ENOTSOCK, G_IO_ERROR_INVALID_ARGUMENT},  {ELOOP, G_IO_ERROR_TOO_MANY_LINKS},
        {EMFILE, G_IO_ERROR_TOO_MANY_OPEN_FILES}, {ENFILE, G_IO_ERROR_TOO_MANY_OPEN_FILES},
        {ENAMETOOLONG, G_IO_ERROR_FILENAME_TOO_LONG}, {ENOENT, G_IO_ERROR_NOT_FOUND},
        {ENOTDIR, G_IO_ERROR_NOT_DIRECTORY},      {ENOMEM, G_IO_ERROR_NO_SPACE},
        {ENOSPC, G_IO_ERROR_NO_SPACE},            {ENOTCONN, G_IO_ERROR_NOT_CONNECTED},
        // The errnos of no connect path that GIO still names (a mode=any plan may make them up).
        {ENXIO, G_IO_ERROR_NOT_REGULAR_FILE},     {EBUSY, G_IO_ERROR_BUSY},
        {ETXTBSY, G_IO_ERROR_BUSY},               {EEXIST, G_IO_ERROR_EXISTS},
        {ENODEV, G_IO_ERROR_NO_SUCH_DEVICE},      {EISDIR, G_IO_ERROR_IS_DIRECTORY},
        {EROFS, G_IO_ERROR_READ_ONLY},            {EMLINK, G_IO_ERROR_TOO_MANY_LINKS},
        {ENOSYS, G_IO_ERROR_NOT_SUPPORTED},       {ENOTEMPTY, G_IO_ERROR_NOT_EMPTY},
        {ENOMSG, G_IO_ERROR_INVALID_DATA},        {ENODATA, G_IO_ERROR_INVALID_DATA},
        {EBADMSG, G_IO_ERROR_INVALID_DATA},       {EMSGSIZE, G_IO_ERROR_MESSAGE_TOO_LARGE},
        {ESOCKTNOSUPPORT, G_IO_ERROR_NOT_SUPPORTED}, {EPFNOSUPPORT, G_IO_ERROR_NOT_SUPPORTED},
        {ECANCELED, G_IO_ERROR_CANCELLED},
        // No case of their own: G_IO_ERROR_FAILED, as is every errno not named here.
        {EADDRNOTAVAIL, G_IO_ERROR_FAILED},       {EALREADY, G_IO_ERROR_FAILED},
        {EBADF, G_IO_ERROR_FAILED},               {EFAULT, G_IO_ERROR_FAILED},
        {EIO, G_IO_ERROR_FAILED},                 {EISCONN, G_IO_ERROR_FAILED},
        {ENOBUFS, G_IO_ERROR_FAILED},             {ENOSR, G_IO_ERROR_FAILED},
        {EPROTOTYPE, G_IO_ERROR_FAILED},          {ENOPROTOOPT, G_IO_ERROR_FAILED},
        {EINPROGRESS, G_IO_ERROR_FAILED},         {EINTR, G_IO_ERROR_FAILED},
    };
    std::vector<connfuzz::Translation> t;
    for (const auto& [err, code] : codes) t.push_back({err, gio(code)});
    return t;
  }();
  return rows;
}

}  // namespace connfuzz::libraries::glib
