import type { IacOrigin } from '../model.js'
import { Unknown, asList } from '../values.js'
import type { ResourceHandler } from './types.js'

/** `AWS::IAM::UserToGroupAddition`: users of the template added to a group (a group outside it is a note later). */
export const userToGroupAddition: ResourceHandler = {
  cfnType: 'AWS::IAM::UserToGroupAddition',
  props: { cfn: { group: 'GroupName', users: 'Users' }, tf: {} },
  steps: {
    additions(bag, graph) {
      const gName = graph.targetName(bag.value('group') ?? null)
      for (const u of asList(bag.value('users'))) {
        const uName = graph.targetName(u)
        const user = uName instanceof Unknown ? undefined : graph.users.get(uName)
        if (!user) {
          if (uName instanceof Unknown) graph.templateNote(`${bag.id} adds \${${uName.what}}, a user known only at deploy time, to a group`)
          else graph.notEvaluated(bag.id, `${bag.id} adds ${uName}, a user not defined in this template, to a group`)
          continue
        }
        if (gName instanceof Unknown) {
          graph.note(user.origin as IacOrigin, `${bag.id} adds this user to group \${${gName.what}}, known only at deploy time; its policies grant nothing here`)
          continue
        }
        if (!user.groups.includes(gName)) user.groups.push(gName)
      }
    },
  },
}
