// identity: session routes (being built).
import type { RouteModule } from '../platform/http.ts'

export const sessionRoutes: RouteModule = () => {}
