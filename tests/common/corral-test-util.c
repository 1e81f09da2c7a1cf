/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "corral-connection-private.h"
#include "corral-test-util.h"

gboolean
corral_test_timeout_cb (gpointer user_data)
{
  g_error ("Timed out waiting for: %s", (const char *) user_data);
  return G_SOURCE_REMOVE;
}

/* Runs the main loop for about ms milliseconds, whether or not anything happens. */
void
corral_test_drain (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

/* One round of WAIT_UNTIL: FALSE once the monotonic time end is past; else runs the main loop once
 * without blocking, sleeps a millisecond and returns TRUE. */
gboolean
corral_test_poll (gint64 end)
{
  if (g_get_monotonic_time () > end)
    return FALSE;
  g_main_context_iteration (NULL, FALSE);
  g_usleep (1000);
  return TRUE;
}

static void
opened_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (corral_connection_open_finish (CORRAL_CONNECTION (object), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

/* A new connection to uri, opened and with its guests listed. */
CorralConnection *
corral_test_open_connection (const char *uri)
{
  CorralConnection *connection = corral_connection_new (uri);
  gboolean done = FALSE;

  corral_connection_open_async (connection, NULL, opened_cb, &done);
  WAIT_FOR (done);
  g_assert_cmpint (corral_connection_get_status (connection), ==, CORRAL_CONNECTION_STATUS_CONNECTED);
  return connection;
}

CorralGuest *
corral_test_find_guest (CorralConnection *connection,
                        const char       *name)
{
  GListModel *guests = corral_connection_get_guests (connection);

  for (guint i = 0; i < g_list_model_get_n_items (guests); i++)
    {
      g_autoptr(CorralGuest) guest = g_list_model_get_item (guests, i);

      if (g_strcmp0 (corral_guest_get_name (guest), name) == 0)
        return guest;
    }
  return NULL;
}

/* A finished GTask drops its reference on its source object in the worker thread, a moment after its
 * callback ran on the main thread: wait (bounded) until the caller's is the last reference, so that
 * g_assert_finalize_object() checks for real leaks only. */
void
corral_test_wait_last_ref (gpointer object)
{
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (G_OBJECT (object)->ref_count > 1 && g_get_monotonic_time () < end)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

void
corral_test_keep_result (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

void
corral_test_node_open (CorralTestNode *node,
                       const char     *path)
{
  g_autofree char *uri = g_strdup_printf ("test://%s", path);

  node->connection = corral_test_open_connection (uri);
  node->conn = _corral_connection_ref_handle (node->connection);
  g_assert_nonnull (node->conn);
}

void
corral_test_node_close (CorralTestNode *node)
{
  virConnectClose (node->conn);
  corral_test_wait_last_ref (node->connection);
  g_assert_finalize_object (node->connection);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char **) a, *(const char **) b);
}

char *
corral_test_pool_volumes (virConnectPtr  conn,
                          const char    *pool_name)
{
  virStoragePoolPtr pool = virStoragePoolLookupByName (conn, pool_name);
  virStorageVolPtr *vols = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  int n;

  g_assert_nonnull (pool);
  g_assert_cmpint (virStoragePoolRefresh (pool, 0), ==, 0);
  n = virStoragePoolListAllVolumes (pool, &vols, 0);
  g_assert_cmpint (n, >=, 0);
  for (int i = 0; i < n; i++)
    {
      g_ptr_array_add (names, g_strdup (virStorageVolGetName (vols[i])));
      virStorageVolFree (vols[i]);
    }
  free (vols);
  virStoragePoolFree (pool);
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

static int
append_to_array (virStreamPtr  stream,
                 const char   *data,
                 size_t        n,
                 void         *opaque)
{
  g_byte_array_append (opaque, (const guint8 *) data, n);
  return n;
}

GBytes *
corral_test_volume_download (virConnectPtr  conn,
                             const char    *pool_name,
                             const char    *volume)
{
  virStoragePoolPtr pool = virStoragePoolLookupByName (conn, pool_name);
  virStorageVolPtr vol = pool != NULL ? virStorageVolLookupByName (pool, volume) : NULL;
  virStreamPtr stream = virStreamNew (conn, 0);
  GByteArray *bytes = g_byte_array_new ();

  g_assert_nonnull (vol);
  g_assert_cmpint (virStorageVolDownload (vol, stream, 0, 0, 0), ==, 0);
  g_assert_cmpint (virStreamRecvAll (stream, append_to_array, bytes), ==, 0);
  g_assert_cmpint (virStreamFinish (stream), ==, 0);
  virStreamFree (stream);
  virStorageVolFree (vol);
  virStoragePoolFree (pool);
  return g_byte_array_free_to_bytes (bytes);
}
