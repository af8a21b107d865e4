// Copyright 2026 calendar_sync authors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
/** Makes CalendarSyncButtons available to the attendee calendar's header. */
import {AttendeeCalendarController} from "@calendar/views/attendee_calendar/attendee_calendar_controller";
import {patch} from "@web/core/utils/patch";

import {CalendarSyncButtons} from "./calendar_sync_buttons.esm";
import {DemoBanner} from "./calendar_sync_demo_banner.esm";

patch(AttendeeCalendarController, {
    components: {
        ...AttendeeCalendarController.components,
        CalendarSyncButtons,
        DemoBanner,
    },
});
