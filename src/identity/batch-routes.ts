// identity: batch routes (being built).
import type { RouteModule } from '../platform/http.ts'

export const batchRoutes: RouteModule = () => {}
