-- Neutralized copies must never talk to the users' real calendars.
UPDATE calendar_sync_account
   SET access_token = NULL,
       refresh_token = NULL,
       token_expiry = NULL,
       sync_token = NULL,
       last_sync_date = NULL,
       state = 'not_connected',
       sync_stopped = TRUE;
